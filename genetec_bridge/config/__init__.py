"""The integrator's site configuration file: typed tables, secret forms and loading."""
