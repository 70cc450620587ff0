# HTTP suite: real requests to a server started on a loopback ephemeral
# port (tests/http/). One program per area of the server.
if(TARGET ts_serve)
  add_executable(test_http_static ${CMAKE_CURRENT_SOURCE_DIR}/http/test_http_static.c)
  target_link_libraries(test_http_static PRIVATE ts_serve PkgConfig::CMOCKA)
  add_test(NAME http_static COMMAND test_http_static)
  set_tests_properties(http_static PROPERTIES TIMEOUT 120)
endif()
