/* Records the size of every ggml_aligned_malloc call (the allocation behind every ggml CPU
 * buffer: model weights without mmap, KV cache, recurrent state, output and compute buffers),
 * so that the oracle harness gets exact byte counts instead of llama.cpp's rounded MiB logs.
 * Loaded with LD_PRELOAD by llama_alloc.py; read back through gguflens_trace_count/get.
 *
 * It allocates exactly as ggml does on Linux (posix_memalign, 64-byte alignment; ggml frees
 * with free()), because the real symbol is not reachable with RTLD_NEXT when Python loads
 * libggml-base with RTLD_LOCAL. */
#include <stddef.h>
#include <stdlib.h>

#define MAX_ALLOCS 65536

static size_t sizes[MAX_ALLOCS];
static size_t count = 0;

void *ggml_aligned_malloc(size_t size) {
    if (count < MAX_ALLOCS) {
        sizes[count++] = size;
    }
    if (size == 0) {
        return NULL;
    }
    void *p = NULL;
    if (posix_memalign(&p, 64, size) != 0) {
        return NULL;
    }
    return p;
}

size_t gguflens_trace_count(void) { return count; }
size_t gguflens_trace_get(size_t i) { return i < count ? sizes[i] : 0; }
