// The system zlib (on the base image of every supported platform), for gzip-compressed datasets.
#include <zlib.h>
