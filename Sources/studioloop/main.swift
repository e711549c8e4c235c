import StudioLoopCLI

StudioLoop.runMain()
