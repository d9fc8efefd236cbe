/* error.c - status codes and error detail. */
#include <stdarg.h>
#include <stdio.h>

#include <redflag/error.h>

rf_status
rf_error_set(rf_error *err, rf_status status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return status;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return status;
}

void
rf_error_clear(rf_error *err)
{
	if (err == NULL)
		return;
	err->status = RF_OK;
	err->msg[0] = '\0';
}

const char *
rf_status_name(rf_status status)
{
	switch (status) {
	case RF_OK: return "OK";
	case RF_ENOMEM: return "ENOMEM";
	case RF_EINVAL: return "EINVAL";
	case RF_EIO: return "EIO";
	case RF_EPARSE: return "EPARSE";
	case RF_ELIMIT: return "ELIMIT";
	case RF_ESTORE: return "ESTORE";
	case RF_ENOTFOUND: return "ENOTFOUND";
	case RF_EDONE: return "EDONE";
	}
	return "UNKNOWN";
}
