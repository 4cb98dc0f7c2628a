/* argv and the environment: argc/argv well formed, getenv, setenv
 * (overwrite or not), unsetenv, putenv, environ walked and grown, a
 * forked child inheriting the changes. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_env: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

extern char **environ;

static int count_env(void)
{
	int n = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	return n;
}

int main(int argc, char **argv, char **envp)
{
	CHECK(argc >= 1 && argv[0] != NULL && argv[argc] == NULL);
	CHECK(strlen(argv[0]) > 0);
	CHECK(envp == environ);
	int n0 = count_env();
	CHECK(getenv("LINUX2_NOPE") == NULL);
	CHECK(setenv("LINUX2_A", "one", 1) == 0);
	CHECK(getenv("LINUX2_A") && strcmp(getenv("LINUX2_A"), "one") == 0);
	CHECK(setenv("LINUX2_A", "two", 0) == 0);
	CHECK(strcmp(getenv("LINUX2_A"), "one") == 0);
	CHECK(setenv("LINUX2_A", "three", 1) == 0);
	CHECK(strcmp(getenv("LINUX2_A"), "three") == 0);
	CHECK(count_env() == n0 + 1);
	static char pe[] = "LINUX2_P=put";
	CHECK(putenv(pe) == 0);
	CHECK(strcmp(getenv("LINUX2_P"), "put") == 0);
	pe[9] = 'P'; /* putenv keeps the string itself */
	CHECK(strcmp(getenv("LINUX2_P"), "Put") == 0);
	int found = 0;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "LINUX2_A=", 9) == 0)
			found++;
	CHECK(found == 1);
	/* many variables */
	char name[32], val[32];
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof name, "LINUX2_V%d", i);
		snprintf(val, sizeof val, "%d", i * i);
		CHECK(setenv(name, val, 1) == 0);
	}
	CHECK(count_env() == n0 + 202);
	CHECK(strcmp(getenv("LINUX2_V150"), "22500") == 0);
	CHECK(setenv("LINUX2_E", "", 1) == 0 && getenv("LINUX2_E") && getenv("LINUX2_E")[0] == 0);
	errno = 0;
	CHECK(setenv("BAD=NAME", "x", 1) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(setenv("", "x", 1) == -1 && errno == EINVAL);
	CHECK(unsetenv("LINUX2_V7") == 0 && getenv("LINUX2_V7") == NULL);
	CHECK(unsetenv("LINUX2_NOPE") == 0);
	pid_t c = fork();
	if (c == 0)
		_exit(getenv("LINUX2_A") && strcmp(getenv("LINUX2_A"), "three") == 0 && !getenv("LINUX2_V7") ? 0 : 1);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 0);
	CHECK(clearenv() == 0 && count_env() == 0 && getenv("LINUX2_A") == NULL);
	CHECK(setenv("AFTER", "1", 0) == 0 && count_env() == 1);
	if (!fails)
		printf("@@PASS linux2_env\n");
	return fails != 0;
}
