/*
 * ctype.h - character classes of the C locale (ASCII), in the driver runtime (ddk/crt/strings.c).
 */
#ifndef DV_CTYPE_H
#define DV_CTYPE_H

#ifdef __cplusplus
extern "C" {
#endif

int isalpha(int c);
int isupper(int c);
int islower(int c);
int isdigit(int c);
int isxdigit(int c);
int isalnum(int c);
int isspace(int c);
int iscntrl(int c);
int isprint(int c);
int isgraph(int c);
int ispunct(int c);
int toupper(int c);
int tolower(int c);

#ifdef __cplusplus
}
#endif

#endif /* DV_CTYPE_H */
