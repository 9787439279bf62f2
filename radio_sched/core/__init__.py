"""The ground every part stands on: settings, database, models, errors, languages, CSV, periods, scopes."""
