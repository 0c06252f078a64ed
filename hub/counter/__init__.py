"""The counter page (/schalter): what front-desk staff see and print, rendered from the citizen view."""
