/* <arpa/inet.h>: address text conversion (libsys/libc8.c): inet_pton
 * and inet_ntop of AF_INET (dotted quads) and AF_INET6 (eight groups,
 * "::" read, written without it), inet_aton/inet_addr/inet_ntoa. */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H
#include <netinet/in.h>
int inet_pton(int af, const char *src, void *dst);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
int inet_aton(const char *cp, struct in_addr *inp);
in_addr_t inet_addr(const char *cp);
char *inet_ntoa(struct in_addr in);
#endif
