#ifndef GANTRY_GUARD_H
#define GANTRY_GUARD_H

/// Makes the calling process a child subreaper (Linux `PR_SET_CHILD_SUBREAPER`): processes a
/// command leaves behind are re-parented to the lease guard instead of init, so the guard
/// sees at once, with `waitpid`, whether anything of the command is still alive. Returns 0 on
/// success, -1 where the system does not support it. (`prctl` is variadic, so Swift cannot
/// call it directly.)
int gantry_become_subreaper(void);

#endif
