#ifndef LEADSYNC_CURL_SHIM_H
#define LEADSYNC_CURL_SHIM_H
#include <curl/curl.h>

/// curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo are variadic: one typed wrapper per
/// argument kind, so Swift passes exactly what libcurl reads.
static inline CURLcode leadsync_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode leadsync_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode leadsync_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode leadsync_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode leadsync_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*leadsync_curl_data_callback)(char *buffer, size_t size, size_t count, void *context);
static inline CURLcode leadsync_curl_easy_setopt_data_callback(CURL *handle, CURLoption option,
                                                              leadsync_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}
typedef int (*leadsync_curl_xferinfo_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                                curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode leadsync_curl_easy_setopt_xferinfo_callback(CURL *handle, CURLoption option,
                                                                  leadsync_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLMcode leadsync_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}
static inline CURLcode leadsync_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode leadsync_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode leadsync_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode leadsync_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}
#endif
