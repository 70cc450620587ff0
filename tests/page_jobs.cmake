# Pages on several workers give the output of one (tests/page_jobs.sh):
# the golden site and 150 one-photo stories in two languages, built with
# --jobs 1 and --jobs 4, every file, the manifest and the messages compared.
if(TARGET tearsheet AND TARGET gen_photos)
  add_test(NAME page_jobs
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/page_jobs.sh $<TARGET_FILE:tearsheet>
                   $<TARGET_FILE:gen_photos> ${CMAKE_SOURCE_DIR})
  set_tests_properties(page_jobs PROPERTIES TIMEOUT 600)
endif()
