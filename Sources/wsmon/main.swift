import WSMonCommand

await WSMonRoot.runAsync()
