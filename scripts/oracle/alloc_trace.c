/* Records the size of every ggml_aligned_malloc call (the allocation behind every ggml CPU
 * buffer: model weights without mmap, KV cache, recurrent state, output and compute buffers),
 * so that the oracle harness gets exact byte counts instead of llama.cpp's rounded MiB logs.
 * Loaded with LD_PRELOAD by llama_alloc.py; read back through gguflens_trace_count/get. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

#define MAX_ALLOCS 65536

static size_t sizes[MAX_ALLOCS];
static size_t count = 0;
static void *(*real_malloc)(size_t) = NULL;

void *ggml_aligned_malloc(size_t size) {
    if (!real_malloc) {
        real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "ggml_aligned_malloc");
    }
    if (count < MAX_ALLOCS) {
        sizes[count++] = size;
    }
    return real_malloc ? real_malloc(size) : NULL;
}

size_t gguflens_trace_count(void) { return count; }
size_t gguflens_trace_get(size_t i) { return i < count ? sizes[i] : 0; }
