"""Live traffic counts of the counting skills, exported as CSV for the city's statistics."""
