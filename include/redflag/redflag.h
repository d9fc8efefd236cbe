/*
 * redflag/redflag.h - libredflag, the mail-security core.
 *
 * Pure analysis and storage: it never exits, never prints, never reads
 * user configuration and keeps no global state.  Every fallible call
 * returns an rf_status and fills an rf_error.
 */
#ifndef REDFLAG_REDFLAG_H
#define REDFLAG_REDFLAG_H

#define RF_VERSION "0.1.0"

#include <redflag/analysis.h>
#include <redflag/arena.h>
#include <redflag/arf.h>
#include <redflag/buf.h>
#include <redflag/classifier.h>
#include <redflag/cluster.h>
#include <redflag/consent.h>
#include <redflag/context.h>
#include <redflag/error.h>
#include <redflag/fingerprint.h>
#include <redflag/hll.h>
#include <redflag/hotline.h>
#include <redflag/html.h>
#include <redflag/limits.h>
#include <redflag/message.h>
#include <redflag/rewrite.h>
#include <redflag/source.h>
#include <redflag/store.h>
#include <redflag/tracking.h>
#include <redflag/url.h>
#include <redflag/verdict.h>

#endif
