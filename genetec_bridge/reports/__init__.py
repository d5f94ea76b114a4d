"""The monthly report for the city's steering committee: alerts, availability, traffic, changes."""
