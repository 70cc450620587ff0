# The official Mustache spec (../shared/corpus/mustache-spec) run against
# the html module's engine; Skipped when the folder is absent.
if(TARGET ts_html)
  add_executable(mustache_spec ${CMAKE_CURRENT_SOURCE_DIR}/mustache_spec.c)
  target_link_libraries(mustache_spec PRIVATE ts_html)
  target_compile_definitions(mustache_spec PRIVATE TS_SHARED_DIR="${TS_SHARED_DIR}")
  target_include_directories(mustache_spec PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/lib)
  add_test(NAME mustache_spec COMMAND mustache_spec)
endif()
