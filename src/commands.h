/* commands.h - one entry point per subcommand (src/cmd_NAME.c). */
#ifndef REDFLAG_COMMANDS_H
#define REDFLAG_COMMANDS_H

int cmd_campaigns(int argc, char **argv);
int cmd_cluster(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_filter(int argc, char **argv);
int cmd_milter(int argc, char **argv);
int cmd_clean(int argc, char **argv);
int cmd_consent(int argc, char **argv);
int cmd_complain(int argc, char **argv);
int cmd_arf(int argc, char **argv);
int cmd_hotline(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
