# SPDX-License-Identifier: GPL-2.0-only
# What every gcovr run here excludes, in one place (sourced by run.sh and
# gate.sh; listed in EXCLUSIONS.md):
#  - branches gcc generates on lines without useful source;
#  - branch outcomes on lines that call WARN_ON()/WARN(): they are the
#    kernel's assertions, whose true outcome only a broken model takes.
#    The must-fail mutants (tests/mutants) are what exercise those; the
#    gate measures the working model. The lines themselves still count.
GCOVR_POLICY=(--exclude-unreachable-branches
	--exclude-branches-by-pattern '.*\bWARN(_ON(_ONCE)?)?\(.*')
