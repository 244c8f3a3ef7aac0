// DomainBenchmarks: prints the cost of hot domain decisions. Filled in with the domain types.
print("DomainBenchmarks")
