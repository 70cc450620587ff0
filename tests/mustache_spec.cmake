# The official Mustache spec (../shared/corpus/mustache-spec) run against
# the html module's engine; skipped with a message when the folder is absent.
if(TARGET ts_html)
  add_executable(mustache_spec ${CMAKE_CURRENT_SOURCE_DIR}/mustache_spec.c)
  target_link_libraries(mustache_spec PRIVATE ts_html)
  target_compile_definitions(mustache_spec PRIVATE TS_SHARED_DIR="${TS_SHARED_DIR}")
  add_test(NAME mustache_spec COMMAND mustache_spec)
endif()
