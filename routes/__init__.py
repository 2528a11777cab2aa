"""The 13-stop reform and opening red route: stops, group visit booking, check-in."""
