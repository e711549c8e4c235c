import StudioLoopCLI

StudioLoop.main()
