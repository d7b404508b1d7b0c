"""The race page (pages/race.py): its controls (the race's settings, presets, tuning), custom (a typed formula
as the race's surface), runs (the race's cached runs, basins, sweeps and tuning) and views (what it draws)."""
