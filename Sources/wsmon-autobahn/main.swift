print("autobahn driver: not yet")
