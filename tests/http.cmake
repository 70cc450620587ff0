# HTTP suite: real requests to a server started on a loopback ephemeral
# port (tests/http/). One program per area of the server.
if(TARGET ts_serve)
  foreach(suite static run)
    add_executable(test_http_${suite} ${CMAKE_CURRENT_SOURCE_DIR}/http/test_http_${suite}.c)
    target_link_libraries(test_http_${suite} PRIVATE ts_serve PkgConfig::CMOCKA)
    target_include_directories(test_http_${suite} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/lib
                               ${CMAKE_CURRENT_SOURCE_DIR}/unit)
    target_compile_definitions(test_http_${suite} PRIVATE TS_SHARED_DIR="${TS_SHARED_DIR}")
    ts_unit_register(http_${suite} test_http_${suite}
                     ${CMAKE_CURRENT_SOURCE_DIR}/http/test_http_${suite}.c)
    set_tests_properties(http_${suite} PROPERTIES TIMEOUT 120)
  endforeach()
endif()

# The inquiry API and owner pages: also reads the database with SQLite
# and runs the built `tearsheet inquiries` on the test's site folder.
if(TARGET ts_serve AND TARGET tearsheet)
  add_executable(test_http_inquiry ${CMAKE_CURRENT_SOURCE_DIR}/http/test_http_inquiry.c)
  # ts_story: site.yaml's notify: and proof_of_work: read the way main.c
  # reads them for serve.
  target_link_libraries(test_http_inquiry PRIVATE ts_serve ts_story PkgConfig::SQLITE PkgConfig::CMOCKA)
  target_compile_definitions(test_http_inquiry PRIVATE TS_BINARY="$<TARGET_FILE:tearsheet>")
  add_dependencies(test_http_inquiry tearsheet)
  add_test(NAME http_inquiry COMMAND test_http_inquiry)
  set_tests_properties(http_inquiry PROPERTIES TIMEOUT 180)
endif()

# The house of src/serve drawn from the code: no file includes or calls
# one that reaches it back, and the HTTP layer reaches nothing of the
# licensing app (scripts/serve_graph.py; the archives give the calls).
if(TARGET ts_serve AND TARGET ts_serve_http)
  find_package(Python3 COMPONENTS Interpreter)
  if(Python3_FOUND)
    add_test(NAME serve_layers
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/serve_graph.py
                     ${CMAKE_SOURCE_DIR}/src/serve $<TARGET_FILE:ts_serve_http>
                     $<TARGET_FILE:ts_serve>)
  endif()
endif()

# The SQLite engine under load while `tearsheet serve` is SIGKILLed and
# restarted every 3 s: 2,000 inquiries from 8 threads on loopback, each
# unanswered post retried with its token; every answered inquiry stored
# exactly once (tests/serve_kill_load.py prints the table).
if(TARGET tearsheet)
  find_package(Python3 COMPONENTS Interpreter)
  if(Python3_FOUND)
    add_test(NAME serve_kill_load
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/serve_kill_load.py
                     $<TARGET_FILE:tearsheet> 2000 3)
    set_tests_properties(serve_kill_load PROPERTIES TIMEOUT 300)
    # The same with two servers on one site folder behind nginx, the
    # first one killed: nginx passes an unanswered post to the other.
    add_test(NAME serve_kill_load_nginx
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/serve_kill_load.py
                     $<TARGET_FILE:tearsheet> 2000 3 --nginx)
    set_tests_properties(serve_kill_load_nginx PROPERTIES TIMEOUT 300)
    # The PostgreSQL engine: a throw-away PostgreSQL 15 (tests/lib/pg.py)
    # and two servers on it behind nginx, the first killed every 2 s.
    add_test(NAME serve_kill_load_pg
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/serve_kill_load.py
                     $<TARGET_FILE:tearsheet> 2000 2 --engine pg)
    set_tests_properties(serve_kill_load_pg PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
  endif()
endif()

# The store's contract on PostgreSQL (the store_ cases of unit_serve,
# which runs them on SQLite) and the owner's commands on a site whose
# store: is PostgreSQL (tests/store_pg.py starts the server).
if(TARGET test_serve AND TARGET tearsheet)
  find_package(Python3 COMPONENTS Interpreter)
  if(Python3_FOUND)
    add_test(NAME store_pg
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/store_pg.py
                     $<TARGET_FILE:test_serve> $<TARGET_FILE:tearsheet>)
    set_tests_properties(store_pg PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77)
  endif()
endif()
