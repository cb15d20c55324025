"""relationships."""
