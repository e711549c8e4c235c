// glibc's malloc_trim, which the Glibc module does not export: gives freed heap pages back to
// the system after a large, short-lived allocation (the catalog read to build the index).
#include <malloc.h>
