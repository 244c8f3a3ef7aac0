print("pricing-service: not built yet")
