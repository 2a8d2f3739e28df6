#!/usr/bin/env python
"""Django's command-line utility for the reference site."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # The plugin apps live at the repository root, one level above site/.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie_site.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
