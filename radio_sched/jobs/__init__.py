"""Background jobs: locks per month and scope, job processes with progress, the web's job kinds, uploads."""
