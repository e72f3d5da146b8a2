// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE) are macros over global
// structures that Swift cannot import; these functions hand them over.
#include <mpi.h>

static inline MPI_Comm neurite_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype neurite_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype neurite_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op neurite_mpi_sum(void) { return MPI_SUM; }
static inline void *neurite_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int neurite_mpi_success(void) { return MPI_SUCCESS; }
