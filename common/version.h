/*
 * The tool's version: `ffa-harness --version`, the result document's
 * tool.version (docs/report-format.md) and the man page.
 */
#ifndef COMMON_VERSION_H
#define COMMON_VERSION_H

#define FFA_HARNESS_VERSION "0.1.0"

#endif /* COMMON_VERSION_H */
