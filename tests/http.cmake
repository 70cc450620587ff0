# HTTP suite: real requests to a server started on a loopback ephemeral
# port (tests/http/). One program per area of the server.
if(TARGET ts_serve)
  foreach(suite static run)
    add_executable(test_http_${suite} ${CMAKE_CURRENT_SOURCE_DIR}/http/test_http_${suite}.c)
    target_link_libraries(test_http_${suite} PRIVATE ts_serve PkgConfig::CMOCKA)
    add_test(NAME http_${suite} COMMAND test_http_${suite})
    set_tests_properties(http_${suite} PROPERTIES TIMEOUT 120)
  endforeach()
endif()
