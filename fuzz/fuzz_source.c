/* fuzz_source.c - libFuzzer target: mbox splitting and >From unquoting on
 * any bytes, fed through a pipe as standard input would be. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <redflag/redflag.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rf_source *src = NULL;
	rf_limits lim;
	rf_item item;
	FILE *f;
	int fd;

	if (size > 1 << 16)
		return 0;
	rf_limits_default(&lim);
	lim.max_message_size = 4096;
	if ((f = tmpfile()) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fflush(f);
	rewind(f);
	fd = fileno(f);
	if (rf_source_open_fd(fd, "-", &lim, &src, NULL) == RF_OK) {
		while (rf_source_next(src, &item, NULL) == RF_OK)
			if (item.len > lim.max_message_size + 1)
				__builtin_trap();
		rf_source_free(src);
	}
	fclose(f);
	return 0;
}
