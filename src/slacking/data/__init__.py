"""Background data: embedded and real image pools, patch subsets, test sets."""
