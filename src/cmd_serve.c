/* cmd_serve.c - placeholder while the server is written. */
#include "cli.h"
#include "commands.h"

int
cmd_serve(int argc, char **argv)
{
	cli_warn("serve: not built yet");
	return RF_EXIT_USAGE;
}
