import GantryLeaseGuard

// The lease guard alone, without the rest of gantry: see `LeaseGuardProcess`.
LeaseGuardProcess.main(Array(CommandLine.arguments.dropFirst()))
