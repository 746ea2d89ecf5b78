"""The kit's contracts, used by every other package: errors, paths, project.yaml, the run folder, the
exhibit record, rejects, the step record, table schemas, labels and text helpers.
"""
