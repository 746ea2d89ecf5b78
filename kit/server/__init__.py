"""The team server: a gate in front of Voilà that logs people in and lets only the kit's pages through."""
