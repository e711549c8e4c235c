import StudioLoopCLI

await StudioLoop.runMain()
