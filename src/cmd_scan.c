/* cmd_scan.c - redflag scan (being written). */
#include "cli.h"
#include "commands.h"

int
cmd_scan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_warn("scan: not built yet");
	return RF_EXIT_USAGE;
}
