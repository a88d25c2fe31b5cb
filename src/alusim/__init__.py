"""alusim."""
