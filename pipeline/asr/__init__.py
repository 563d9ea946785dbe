"""Recordings to turns: decoding, faster-whisper transcription, speaker roles and metadata."""
