#ifndef GANTRY_BUILD_INFO_H
#define GANTRY_BUILD_INFO_H

/// What the build baked in, so `gantry version` can say which commit a runner has. The values
/// come from Package.swift (the VERSION file, the checkout's git commit, and SOURCE_DATE_EPOCH for the build
/// date) as C defines of this one file: only it recompiles when they change.

/// The version number, from the file VERSION at the root of the repository.
const char *gantry_build_version(void);

/// The commit the binary was built from (with `-dirty` for uncommitted changes), or `unknown`
/// outside a git checkout.
const char *gantry_build_commit(void);

/// The build's date as seconds since the epoch (SOURCE_DATE_EPOCH, which the release and test
/// scripts set to the commit's time, so two builds of one commit are identical), or an empty
/// string when the build did not say.
const char *gantry_build_epoch(void);

#endif
