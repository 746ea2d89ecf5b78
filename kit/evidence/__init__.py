"""Reading what a project holds and publishing it safely: tabular files, survey exports, vendors'
formats, the contact log and social posts, transcripts, photos, audio and video, faces and PII.
"""
