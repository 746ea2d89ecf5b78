"""A workshop's votes and notes: the store, what the room said, and paper votes in CSV."""
