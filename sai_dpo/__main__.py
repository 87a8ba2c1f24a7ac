import sys

from sai_dpo.cli import main

sys.exit(main())
