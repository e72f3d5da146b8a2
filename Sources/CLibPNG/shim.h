// The system libpng (on the base image), for writing pictures.
#include <png.h>
