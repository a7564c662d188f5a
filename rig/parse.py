"""Former home of reply parsing, kept so that `from rig.parse import ...`
in older suites still works: replies live in rig/reply.py, transcripts
(escape, unescape, parse_transcript) in rig/transcript.py."""
from .reply import *  # noqa: F401,F403
from .reply import __all__ as _reply_all
from .transcript import ParsedTranscript, parse_transcript, transcript_lines, unescape  # noqa: F401

__all__ = list(_reply_all) + ["ParsedTranscript", "parse_transcript", "transcript_lines",
                              "unescape"]
