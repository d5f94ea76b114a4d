"""The configuration box: a web application, served by the bridge, where the city's integrator draws
zones and lines on a camera's snapshot, chooses skills, schedules and cool-downs, saves the site file
(comments kept, every version kept, every change audited) and applies it without a restart.

One module per page or route group under `pages/`, one shared layout template, one security
middleware (sessions, roles, CSRF) and one FR/EN catalogue (`i18n`).
"""
