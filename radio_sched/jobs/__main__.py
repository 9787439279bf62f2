"""`python -m radio_sched.jobs JOB_ID TARGET`: a job's own process (started by `start_process`)."""

import sys

from .runner import child_main

sys.exit(child_main(int(sys.argv[1]), sys.argv[2]))
